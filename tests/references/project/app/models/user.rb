class User < ApplicationRecord
  self.ignored_columns += %w[old_flag]

  has_one :user_profile
  validates :email, presence: true

  def display_name
    legacy_name.presence || email
  end
end
