-- Test-only script: proves the runner applies scripts embedded in another assembly under another prefix.
CREATE TABLE migration_probe (id integer NOT NULL PRIMARY KEY, note text NOT NULL);
INSERT INTO migration_probe (id, note) VALUES (1, 'applied once');
