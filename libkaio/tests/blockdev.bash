# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the suites that need block devices (fio/run, qemu/run), which
# run as root: memory-backed null_blk devices, file systems on them, and
# their removal.
#
#   nullb_create NAME MB   a memory-backed null_blk device /dev/NAME with
#                          4 KiB blocks. Returns 1 when the kernel has no
#                          null_blk, 2 on any other problem; nullb_why says
#                          what went wrong.
#   mount_ext4 DEV DIR     makes an ext4 file system on DEV and mounts it on
#                          DIR (created); on failure mount_why says why
#   mount_tmpfs MB DIR     mounts a tmpfs of MB MiB on DIR (created)
#   blockdev_cleanup       unmounts what was mounted, newest first, and
#                          removes the null_blk devices; complaints go to
#                          stderr
#
# Whatever is created is recorded at once, so that blockdev_cleanup (from
# the caller's EXIT trap) also undoes a setup that failed halfway.

# nullb_why and mount_why are for the callers.
# shellcheck disable=SC2034

blockdev_mounts=()
blockdev_nullbs=()
nullb_why=''
mount_why=''

blockdev_nullb_root=/sys/kernel/config/nullb

nullb_create() {
	local name=$1 mb=$2 dir=$blockdev_nullb_root/$1 i
	if [ ! -d "$blockdev_nullb_root" ]; then
		# Debian's kernel: null_blk is a module; no default devices.
		modprobe -q null_blk nr_devices=0 2>/dev/null
		if [ ! -d "$blockdev_nullb_root" ]; then
			nullb_why="null_blk is not available ($blockdev_nullb_root is missing)"
			return 1
		fi
	fi
	mkdir "$dir" || { nullb_why="cannot create $dir"; return 2; }
	blockdev_nullbs+=("$dir")
	echo "$mb" >"$dir/size" &&
		echo 4096 >"$dir/blocksize" &&
		echo 1 >"$dir/memory_backed" &&
		echo 1 >"$dir/irqmode" &&
		echo 1 >"$dir/power" || {
		nullb_why="cannot configure the null_blk device $dir"
		return 2
	}
	for ((i = 0; i < 500; i++)); do
		[ -b "/dev/$name" ] && return 0
		sleep 0.01
	done
	nullb_why="/dev/$name did not appear"
	return 2
}

mount_ext4() {
	local dev=$1 dir=$2 out
	out=$(mkfs.ext4 -q -F -E nodiscard "$dev" 2>&1) || {
		mount_why="mkfs.ext4 failed: $out"
		return 1
	}
	mkdir -p "$dir" || {
		mount_why="cannot create $dir"
		return 1
	}
	if ! out=$(mount -t ext4 "$dev" "$dir" 2>&1); then
		# Debian's kernel: ext4 is a module (mount(8) says ENODEV).
		modprobe -q ext4 2>/dev/null
		out=$(mount -t ext4 "$dev" "$dir" 2>&1) || {
			mount_why="cannot mount ext4: $out"
			return 1
		}
	fi
	blockdev_mounts=("$dir" "${blockdev_mounts[@]}")
}

mount_tmpfs() {
	local mb=$1 dir=$2 out
	mkdir -p "$dir" || {
		mount_why="cannot create $dir"
		return 1
	}
	out=$(mount -t tmpfs -o "size=${mb}m" kaio-test "$dir" 2>&1) || {
		mount_why="cannot mount a tmpfs on $dir: $out"
		return 1
	}
	blockdev_mounts=("$dir" "${blockdev_mounts[@]}")
}

blockdev_cleanup() {
	local m n
	for m in "${blockdev_mounts[@]}"; do
		umount "$m" || printf 'cannot unmount %s\n' "$m" >&2
	done
	blockdev_mounts=()
	for n in "${blockdev_nullbs[@]}"; do
		echo 0 >"$n/power" 2>/dev/null
		rmdir "$n" || printf 'cannot remove the null_blk device %s\n' "$n" >&2
	done
	blockdev_nullbs=()
}
