-- Test-only script: proves the runner applies scripts embedded in another assembly under another prefix.
CREATE TABLE migration_probe (id INTEGER NOT NULL PRIMARY KEY, note TEXT NOT NULL);
INSERT INTO migration_probe (id, note) VALUES (1, 'applied once');
