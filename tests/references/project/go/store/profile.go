package store

// UserProfile is a row of user_profiles.
type UserProfile struct {
	ID        int64  `db:"id"`
	UserID    int64  `db:"user_id"`
	LegacyBio string `db:"legacy_bio"`
}

const profileByUser = `SELECT id, user_id, legacy_bio FROM user_profiles WHERE user_id = $1`
