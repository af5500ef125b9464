-- Entries that are not field changes (a download) carry a small JSON object of facts,
-- e.g. {"format":"csv","rows":120}. Never personal data, never secrets.
ALTER TABLE audit_log ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
