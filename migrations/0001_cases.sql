ALTER TABLE "cases" ADD COLUMN "body_html" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "question_html" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "outcome_html" text;--> statement-breakpoint
ALTER TABLE "replies" ADD COLUMN "body_html" text;--> statement-breakpoint
CREATE INDEX "cases_author_created_idx" ON "cases" USING btree ("author_id","created_at");--> statement-breakpoint
CREATE INDEX "cases_unanswered_created_idx" ON "cases" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "cases"."reply_count" = 0;--> statement-breakpoint
CREATE INDEX "cases_urgent_created_idx" ON "cases" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "cases"."urgency" = 'urgent';--> statement-breakpoint
CREATE INDEX "cases_solved_created_idx" ON "cases" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "cases"."status" = 'solved';--> statement-breakpoint
CREATE UNIQUE INDEX "flags_open_reporter_target_key" ON "flags" USING btree ("target_type","target_id","reporter_id") WHERE "flags"."status" = 'open';--> statement-breakpoint
CREATE INDEX "flags_target_idx" ON "flags" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "replies_author_created_idx" ON "replies" USING btree ("author_id","created_at");