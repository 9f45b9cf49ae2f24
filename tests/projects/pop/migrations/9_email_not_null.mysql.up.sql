ALTER TABLE accounts MODIFY email varchar(255) NOT NULL;
