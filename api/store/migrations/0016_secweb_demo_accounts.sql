-- Accounts made by the demo seed: refused on a system that holds a real site, listed by `guardbell demo remove`.
ALTER TABLE "people" ADD COLUMN "demo" boolean DEFAULT false NOT NULL;
