ALTER TABLE "email_outbox" ALTER COLUMN "subject" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "email_outbox" ALTER COLUMN "text_body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "email_outbox" ALTER COLUMN "html_body" DROP NOT NULL;--> statement-breakpoint
-- Sent and given-up mail of earlier versions still holds its tokens: scrub it.
UPDATE "email_outbox" SET "subject" = NULL, "text_body" = NULL, "html_body" = NULL WHERE "sent_at" IS NOT NULL OR "next_attempt_at" = 'infinity';--> statement-breakpoint
-- Mail still queued was stored bare: mark it as an open value (`:<text>`), the form the e-mail module reads.
UPDATE "email_outbox" SET "subject" = ':' || "subject", "text_body" = ':' || "text_body", "html_body" = ':' || "html_body" WHERE "text_body" IS NOT NULL;
