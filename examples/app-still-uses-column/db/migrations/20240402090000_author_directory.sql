-- The public directory reads a view; the mailer formats names with a function.

CREATE VIEW author_directory AS
    SELECT id, coalesce(display_name, legacy_name) AS name
      FROM authors;

CREATE FUNCTION author_label(author_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    label text;
BEGIN
    SELECT coalesce(display_name, legacy_name, email) INTO label
      FROM authors WHERE id = author_id;
    RETURN label;
END
$$;
