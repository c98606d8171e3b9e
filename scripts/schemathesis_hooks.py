"""schemathesis hooks for scripts/schemathesis.sh.

A list's `cursor` is minted by the server (next_cursor) and bound to the sort and search it was
made for: its documented format (base64url) admits strings no server ever minted, which are
refused with 422 as they should be. Positive cases therefore leave `cursor` out; negative cases
keep whatever the fuzzer made of it.
"""
import schemathesis
from schemathesis.generation import GenerationMode


@schemathesis.hook
def map_case(ctx, case):
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        if isinstance(case.query, dict) and "cursor" in case.query:
            case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    return case
