# A publisher (table "publishers"). Its legacy_name is another table's column:
# dropping authors.legacy_name does not touch it.
class Publisher < ApplicationRecord
  def title
    legacy_name
  end
end
