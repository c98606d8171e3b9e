"""schemathesis hooks for scripts/schemathesis.sh.

A list's `cursor` is minted by the server (next_cursor) and bound to the sort and search it was
made for: its documented format (base64url) admits strings no server ever minted, which are
refused with 422 as they should be. Positive cases therefore leave `cursor` out; negative cases
keep whatever the fuzzer made of it. A stateful case whose path holds a null is left out (below).
"""
import schemathesis
from schemathesis.generation import GenerationMode


@schemathesis.hook
def map_case(ctx, case):
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        if isinstance(case.query, dict) and "cursor" in case.query:
            case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    return case


@schemathesis.hook
def filter_case(ctx, case):
    # A stateful link that takes one of a list's values (`items/*/agent_id`) can take a null one,
    # which schemathesis 4.32.5 then sends as the text "None" (it skips a null only where a link
    # yields a single value). No client can send a null in a path, so such a case is left out.
    return not any(value is None for value in (case.path_parameters or {}).values())
