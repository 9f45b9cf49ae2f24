"""Nightly CSV export of the authors for the newsletter tool."""
import csv

EXPORT_SQL = """
    SELECT id, email, legacy_name, display_name
      FROM authors
     ORDER BY id
"""


def export(conn, out):
    writer = csv.writer(out)
    with conn.cursor() as cur:
        cur.execute(EXPORT_SQL)
        for row in cur:
            writer.writerow(row)
