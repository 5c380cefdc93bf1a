CREATE TABLE "refused_sign_ups" (
	"day" text NOT NULL,
	"form" text NOT NULL,
	"reason" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "refused_sign_ups_day_form_reason_pk" PRIMARY KEY("day","form","reason")
);
