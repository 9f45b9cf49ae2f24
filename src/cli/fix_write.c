/*
 * fix_write.c - reading a file that --fix may change, and writing the fixed
 * text back safely: a reader sees the old file or the new one, never half
 * of one (a temporary file renamed over it); a crash leaves the old one (the
 * new bytes are on disk before the rename); the file keeps its permissions;
 * and an edit made by someone else since migralint read the file is never
 * overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix_write.h"
#include "migralint/migralint.h"

void ml_fix_target_free(ml_fix_target *target)
{
	free(target->path);
	target->path = NULL;
}

int ml_fix_read(const char *path, size_t max_size, ml_fix_target *target, char **text, size_t *len, char *why,
		size_t why_size)
{
	*text = NULL;
	*len = 0;
	target->path = realpath(path, NULL);
	if (!target->path) {
		snprintf(why, why_size, "%s", strerror(errno));
		return -1;
	}
	/* The links are resolved: one that appears now is not followed, and a
	 * FIFO put in its place does not block the open. */
	int fd = open(target->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat before;
	if (fd < 0 || fstat(fd, &before) != 0) {
		snprintf(why, why_size, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(before.st_mode)) {
		snprintf(why, why_size, "not a regular file");
		goto fail;
	}
	char size[24];
	if ((unsigned long long)before.st_size > max_size) {
		snprintf(why, why_size, "larger than --max-input-size (%s)", ml_size_format(max_size, size, sizeof(size)));
		goto fail;
	}
	size_t cap = (size_t)before.st_size + 1, got = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		snprintf(why, why_size, "%s", strerror(ENOMEM));
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, why_size, "%s", strerror(errno));
			free(buf);
			goto fail;
		}
		if (n == 0 || (got += (size_t)n) == cap)
			break;
	}
	if (fstat(fd, &target->st) != 0 || got != (size_t)target->st.st_size || target->st.st_size != before.st_size ||
	    target->st.st_mtim.tv_sec != before.st_mtim.tv_sec || target->st.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
		snprintf(why, why_size, "it changed while it was read");
		free(buf);
		goto fail;
	}
	close(fd);
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	ml_fix_target_free(target);
	return -1;
}

/* Is the file at target->path still the inode, size and modification time
 * that was read? If not, says how in why. */
static bool same_file(const ml_fix_target *target, char *why, size_t why_size)
{
	struct stat now;
	if (lstat(target->path, &now) != 0) {
		snprintf(why, why_size, "it changed since it was read (%s now)", strerror(errno));
		return false;
	}
	const struct stat *then = &target->st;
	const char *how = NULL;
	if (!S_ISREG(now.st_mode) || now.st_dev != then->st_dev || now.st_ino != then->st_ino)
		how = "it was replaced";
	else if (now.st_size != then->st_size)
		how = "its size changed";
	else if (now.st_mtim.tv_sec != then->st_mtim.tv_sec || now.st_mtim.tv_nsec != then->st_mtim.tv_nsec)
		how = "it was modified";
	if (how)
		snprintf(why, why_size, "%s since it was read", how);
	return !how;
}

/* Does the file at path hold exactly the len bytes at text? */
static bool same_bytes(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[65536];
	size_t at = 0;
	bool same = true;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			same = n == 0 && at == len;
			break;
		}
		if ((size_t)n > len - at || memcmp(buf, text + at, (size_t)n)) {
			same = false;
			break;
		}
		at += (size_t)n;
	}
	close(fd);
	return same;
}

static bool write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		text += n;
		len -= (size_t)n;
	}
	return true;
}

ml_fix_write_status ml_fix_write(const ml_fix_target *target, const char *original, size_t original_len,
				 const char *text, size_t len, char *why, size_t why_size)
{
	if (!same_file(target, why, why_size))
		return ML_FIX_CHANGED;
	if (!same_bytes(target->path, original, original_len)) {
		snprintf(why, why_size, "its content changed since it was read");
		return ML_FIX_CHANGED;
	}
	const char *slash = strrchr(target->path, '/'); /* realpath's: absolute */
	size_t dir_len = slash > target->path ? (size_t)(slash - target->path) : 1;
	char *tmp = malloc(dir_len + 32);
	if (!tmp) {
		snprintf(why, why_size, "%s", strerror(ENOMEM));
		return ML_FIX_FAILED;
	}
	/* Hidden and not *.sql: a walk of the directory passes it over. */
	snprintf(tmp, dir_len + 32, "%.*s/.migralint-fix-XXXXXX", (int)dir_len, target->path);
	if (dir_len == 1)
		memmove(tmp + 1, tmp + 2, strlen(tmp + 2) + 1); /* "/" + "/.migralint..." */
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int err = errno;
		snprintf(why, why_size, "cannot create a temporary file in %.*s: %s", (int)dir_len, target->path,
			 strerror(err));
		free(tmp);
		return ML_FIX_FAILED;
	}
	/* The owner first: changing it may clear the set-id bits, which the
	 * mode then puts back. Only root may give a file away, and only a
	 * member of its group keep the group: what cannot be kept is not. */
	const struct stat *st = &target->st;
	if (fchown(fd, st->st_uid, st->st_gid) != 0)
		(void)!fchown(fd, (uid_t)-1, st->st_gid);
	const char *step = "setting its permissions";
	bool ok = fchmod(fd, st->st_mode & 07777) == 0;
	if (ok && !(ok = write_all(fd, text, len)))
		step = "writing";
	if (ok && !(ok = fsync(fd) == 0))
		step = "syncing";
	int err = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		step = "closing";
		err = errno;
	}
	ml_fix_write_status status = ML_FIX_WRITTEN;
	if (!ok) {
		snprintf(why, why_size, "%s the temporary file %s failed: %s", step, tmp, strerror(err));
		status = ML_FIX_FAILED;
	} else if (!same_file(target, why, why_size)) {
		status = ML_FIX_CHANGED;
	} else if (rename(tmp, target->path) != 0) {
		snprintf(why, why_size, "cannot rename %s over it: %s", tmp, strerror(errno));
		status = ML_FIX_FAILED;
	}
	if (status != ML_FIX_WRITTEN) {
		unlink(tmp);
	} else {
		/* The rename itself is on disk once the directory is. */
		tmp[dir_len] = '\0';
		int dir = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir >= 0) {
			(void)fsync(dir);
			close(dir);
		}
	}
	free(tmp);
	return status;
}
