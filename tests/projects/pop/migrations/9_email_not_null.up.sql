-- shadowed on PostgreSQL by the .postgres. file of the same version
CREATE INDEX accounts_email_any ON accounts (email);
