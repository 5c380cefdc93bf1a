CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"subject" text NOT NULL,
	"slot" text,
	"plan" jsonb NOT NULL,
	"scheduled_for" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"recipient_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "campaigns_slot_unique" UNIQUE("slot"),
	CONSTRAINT "campaigns_kind_check" CHECK ("campaigns"."kind" in ('digest', 'test')),
	CONSTRAINT "campaigns_status_check" CHECK ("campaigns"."status" in ('scheduled', 'sending', 'sent', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "email_sends" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"member_id" text NOT NULL,
	"email" text NOT NULL,
	"position" integer NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"batch_id" text,
	"segment" text,
	"idempotency_key" text NOT NULL,
	"provider_id" text,
	"detail" text,
	"sent_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_sends_status_check" CHECK ("email_sends"."status" in ('queued', 'sent', 'delivered', 'delayed', 'bounced', 'complained', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "resend_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "send_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "send_batches_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "send_batches_status_check" CHECK ("send_batches"."status" in ('open', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"email" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppressions_reason_check" CHECK ("suppressions"."reason" in ('bounced', 'complained', 'unsubscribed', 'imported')),
	CONSTRAINT "suppressions_email_lower_case_check" CHECK ("suppressions"."email" = lower("suppressions"."email"))
);
--> statement-breakpoint
ALTER TABLE "login_tokens" DROP CONSTRAINT "login_tokens_purpose_check";--> statement-breakpoint
ALTER TABLE "email_sends" ADD CONSTRAINT "email_sends_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_sends" ADD CONSTRAINT "email_sends_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "send_batches" ADD CONSTRAINT "send_batches_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_status_idx" ON "campaigns" USING btree ("status","scheduled_for");--> statement-breakpoint
CREATE UNIQUE INDEX "email_sends_campaign_member_idx" ON "email_sends" USING btree ("campaign_id","member_id");--> statement-breakpoint
CREATE INDEX "email_sends_unbatched_idx" ON "email_sends" USING btree ("campaign_id","position") WHERE "email_sends"."status" = 'queued' and "email_sends"."batch_id" is null;--> statement-breakpoint
CREATE INDEX "email_sends_status_idx" ON "email_sends" USING btree ("campaign_id","status");--> statement-breakpoint
CREATE INDEX "email_sends_batch_idx" ON "email_sends" USING btree ("batch_id") WHERE "email_sends"."batch_id" is not null;--> statement-breakpoint
CREATE INDEX "email_sends_provider_id_idx" ON "email_sends" USING btree ("provider_id") WHERE "email_sends"."provider_id" is not null;--> statement-breakpoint
CREATE INDEX "send_batches_open_idx" ON "send_batches" USING btree ("campaign_id","status");--> statement-breakpoint
ALTER TABLE "login_tokens" ADD CONSTRAINT "login_tokens_purpose_check" CHECK ("login_tokens"."purpose" in ('sign_in', 'change_email', 'newsletter'));