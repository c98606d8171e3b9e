/**
 * What an insight looks like in the graph: its node, its author and tag nodes, and the props the
 * projector writes (the one place both the one-by-one and the batch projection take them from).
 * @module
 */
import type { NodeRef, Props } from "../stores/graph/port.ts";
import type { InsightDoc } from "./documents.ts";

export const insightNode = (id: string): NodeRef => ({ label: "Insight", id });
export const tagNode = (tag: string): NodeRef => ({ label: "Tag", id: tag.toLowerCase() });
export const userNode = (id: string): NodeRef => ({ label: "User", id });

/** The insight's tags as the graph names them (lower case, once each). */
export const graphTags = (doc: InsightDoc): string[] => [
  ...new Set(doc.tags.map((t) => t.toLowerCase())),
];

/**
 * The insight node's props. `tags` mirrors its TAGGED edges, so a later projection knows which
 * edges to drop without reading them back.
 */
export function insightProps(doc: InsightDoc): Props {
  return {
    title: doc.title.slice(0, 200),
    owner_id: doc.owner_id,
    company_id: doc.company_id,
    status: doc.status,
    source: doc.source,
    keywords: doc.keywords,
    tags: graphTags(doc),
    version: doc.version,
  };
}
