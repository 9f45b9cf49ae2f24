class Report
  SQL = <<~SQL
    SELECT id, email, legacy_name
    FROM users
    WHERE legacy_name IS NOT NULL
  SQL
end
