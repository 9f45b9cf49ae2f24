# A publisher (table "publishers"). Its legacy_name is a column of its own
# table, which the last migration leaves alone: not a use of the dropped one.
class Publisher < ApplicationRecord
  def title
    legacy_name
  end
end
