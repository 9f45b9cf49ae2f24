CREATE INDEX accounts_email_lite ON accounts (email);
