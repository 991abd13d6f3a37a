// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat_pagelock: hold the lock of a user page, for a test.
 *
 * causes_test's page_lock case needs a fault that waits for the lock of
 * a page that is up to date, for a time the test knows: no system call
 * keeps a page locked from user space.  Writing "lock ADDR" (hex) to
 * /sys/kernel/debug/faultlat_pagelock locks the folio mapped at the
 * writer's address ADDR and keeps it locked (and referenced) after the
 * write returns; "unlock" unlocks it.  One folio at a time; unloading
 * the module unlocks it too.  Not part of faultlat: a test's tool.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/uaccess.h>

static struct dentry *fl_pl_file;
static struct folio *fl_pl_held;
static DEFINE_MUTEX(fl_pl_mutex);

static int fl_pl_lock(unsigned long addr)
{
	struct page *page;
	int n;

	if (fl_pl_held)
		return -EBUSY;
	n = get_user_pages_fast(addr, 1, 0, &page);
	if (n != 1)
		return n < 0 ? n : -EFAULT;
	fl_pl_held = page_folio(page);
	folio_lock(fl_pl_held);
	return 0;
}

static void fl_pl_unlock(void)
{
	folio_unlock(fl_pl_held);
	folio_put(fl_pl_held);
	fl_pl_held = NULL;
}

static ssize_t fl_pl_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned long addr;
	char buf[64];
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&fl_pl_mutex);
	if (sscanf(buf, "lock %lx", &addr) == 1) {
		err = fl_pl_lock(addr);
	} else if (sysfs_streq(buf, "unlock")) {
		err = fl_pl_held ? 0 : -ENOENT;
		if (fl_pl_held)
			fl_pl_unlock();
	} else {
		err = -EINVAL;
	}
	mutex_unlock(&fl_pl_mutex);
	return err ? err : len;
}

static const struct file_operations fl_pl_fops = {
	.owner = THIS_MODULE,
	.write = fl_pl_write,
};

static int __init fl_pl_init(void)
{
	fl_pl_file = debugfs_create_file("faultlat_pagelock", 0200, NULL,
					 NULL, &fl_pl_fops);
	return IS_ERR(fl_pl_file) ? PTR_ERR(fl_pl_file) : 0;
}

static void __exit fl_pl_exit(void)
{
	debugfs_remove(fl_pl_file);
	mutex_lock(&fl_pl_mutex);
	if (fl_pl_held)
		fl_pl_unlock();
	mutex_unlock(&fl_pl_mutex);
}

module_init(fl_pl_init);
module_exit(fl_pl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("faultlat's tests: hold the lock of a user page");
