# An author of the blog.
class Author < ApplicationRecord
  has_many :posts

  validates :email, presence: true

  # The name shown on posts: the CMS import left some authors without one.
  def byline
    display_name.presence || legacy_name
  end
end
