-- The logins of labs/mod-008, made at build time with no password: nobody can log in as them
-- until the entrypoint gives each its instance's password at first start
-- (POSTGRES_ROLE_PASSWORD_<role>), so an instance needs no configuration pass of its own.
--   learner    read-only analyst login
--   mlops_app  the application the workstation connects as (DATABASE_URL): reads every table,
--              writes models and experiments, and may create tables in schema public (Alembic's
--              alembic_version and the learner's migrations; model_tags references models)
BEGIN;
CREATE ROLE learner NOLOGIN IN ROLE pg_read_all_data;
CREATE ROLE mlops_app NOLOGIN IN ROLE pg_read_all_data;
GRANT CREATE ON SCHEMA public TO mlops_app;
GRANT INSERT, UPDATE, DELETE ON models, experiments TO mlops_app;
GRANT REFERENCES ON models, experiments TO mlops_app;
COMMIT;
