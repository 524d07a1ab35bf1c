-- Routes remember where they came from and the language of their guild.
--
-- source is 'config' for a route a [[route]] table of the configuration
-- declares (run and ingest make the stored config routes exactly the
-- file's: one that left the file is deleted, as config watches are), and
-- '' for one made from Discord or the CLI, which the configuration never
-- touches. SetRoute and RemoveRoute refuse to change a 'config' route: the
-- next start would put it back. Routes stored before this migration are ''
-- until the first start after it marks those the file still declares; one
-- removed from the file before the upgrade cannot be told from a CLI route
-- and stays (`alerts off` removes it).
--
-- locale is the Discord locale of the guild (the interaction's
-- guild_locale, else the user's locale) when the route was last set from
-- Discord, e.g. 'uk' or 'en-US'; '' when unknown (config, CLI). Spike
-- alerts and digests are written in it (en, ru, uk; others in English).
ALTER TABLE routes ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE routes ADD COLUMN locale TEXT NOT NULL DEFAULT '';
