/**
 * Content resources: content pieces and the social posts published from them, under "content".
 * Columns mirror sql/0006_content_agents_notifications.up.sql.
 *
 * @module
 */
import {
  createdAt,
  decimal,
  idColumn,
  int,
  jsonObject,
  oneOf,
  text,
  textArray,
  timestamp,
  updatedAt,
  url,
  uuid,
} from "../columns.ts";
import { defineResource } from "../resource.ts";

export const contentPieces = defineResource({
  table: "content_pieces",
  path: "content-pieces",
  name: "ContentPiece",
  tag: "content",
  permission: "content",
  columns: {
    id: idColumn(),
    title: text(255).required(),
    content_type: oneOf([
      "instagram_post",
      "instagram_story",
      "instagram_carousel",
      "linkedin_post",
      "linkedin_article",
      "blog_post",
      "email_newsletter",
      "video_script",
      "caption",
      "other",
    ]).required(),
    status: oneOf(["draft", "review", "approved", "scheduled", "published", "archived"]).notNull(),
    body: text().required(),
    media_urls: textArray(500),
    hashtags: textArray(100),
    platform: text(50),
    scheduled_at: timestamp(),
    published_at: timestamp(),
    published_url: url(),
    engagement_data: jsonObject(),
    seo_keywords: textArray(100),
    generated_by: uuid().references("agents"),
    approved_by: uuid().references("users"),
    created_by: uuid().references("users").setToCaller(),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  filters: {
    content_type: "eq",
    status: "eq",
    platform: "eq",
    generated_by: "eq",
    scheduled_at: "range",
    created_at: "range",
  },
  sorts: ["created_at", "updated_at", "scheduled_at", "published_at"],
  defaultSort: "-created_at",
});

const counter = () => int(0);

export const socialPosts = defineResource({
  table: "social_posts",
  path: "social-posts",
  name: "SocialPost",
  tag: "content",
  permission: "content",
  columns: {
    id: idColumn(),
    content_piece_id: uuid().references("content_pieces").required(),
    platform: text(50).required(),
    platform_post_id: text(255),
    post_url: url(),
    published_at: timestamp(),
    impressions: counter(),
    reach: counter(),
    likes: counter(),
    comments: counter(),
    shares: counter(),
    clicks: counter(),
    saves: counter(),
    engagement_rate: decimal(5, 2, 0),
    metrics_updated_at: timestamp(),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  filters: {
    content_piece_id: "eq",
    platform: "eq",
    published_at: "range",
    created_at: "range",
  },
  sorts: ["created_at", "published_at", "engagement_rate"],
  defaultSort: "-created_at",
});
