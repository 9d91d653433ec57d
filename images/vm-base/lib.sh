# shellcheck shell=bash
# Shared by images/vm-base/build and images/vm-base/bake (sourced): how root's work on an image's
# tree is fenced off from this machine, and how the tree becomes the VM's disk.

# Whatever runs as root on the image's files (debootstrap, package scripts, systemctl, Ansible)
# gets mount, PID, UTS and IPC namespaces of its own: the mounts it makes are private and vanish
# with it, anything it leaves running dies with it, a hostname it sets is its own. The network
# namespace stays the host's because apt needs the mirror, so it runs without CAP_NET_ADMIN (no
# interface, route or firewall change) and, inside the image, with /proc/sys and
# /proc/sysrq-trigger read-only (a sysctl a package script applies would be this machine's). Also
# no module loading, clock setting or reboot.
DROP_CAPS=-net_admin,-sys_module,-sys_time,-sys_boot
isolated() {
    unshare --mount --propagation private --pid --fork --kill-child --mount-proc --uts --ipc -- \
        setpriv --bounding-set="$DROP_CAPS" -- "$@"
}
# The image's own /proc (that of the isolated PID namespace), never the host's /dev or /sys:
# package scripts would act on the host (udev's postinst chgrps /dev/kvm to the image's own `kvm`
# gid, which is another group on the host). debootstrap made the few device nodes apt needs.
# shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
ROOT_MOUNTS='
set -euo pipefail
root=$1; shift
mount -t proc proc "$root/proc"
for ro in sys sysrq-trigger; do
    [[ -e $root/proc/$ro ]] || continue
    mount --bind "$root/proc/$ro" "$root/proc/$ro"
    mount -o remount,bind,ro "$root/proc/$ro"
done
'
# SYSTEMD_OFFLINE: in its own PID namespace, systemctl would not see that it runs in a chroot.
# shellcheck disable=SC2016
IN_ROOT=$ROOT_MOUNTS'exec chroot "$root" /usr/bin/env SYSTEMD_OFFLINE=1 "$@"'
# A host command (Ansible's chroot connection) that enters the image itself, for every task.
# shellcheck disable=SC2016
BESIDE_ROOT=$ROOT_MOUNTS'exec /usr/bin/env SYSTEMD_OFFLINE=1 "$@"'
in_root() { isolated bash -c "$IN_ROOT" in-root "$ROOTFS" "$@"; }
beside_root() { isolated bash -c "$BESIDE_ROOT" beside-root "$ROOTFS" "$@"; }

# make_disk TREE SIZE WORK STAGE: TREE as an ext4 filesystem (no partition table, LABEL=labroot)
# in STAGE/root.qcow2. Inode tables and journal are zeroed now, so the guest's ext4lazyinit never
# writes them into overlays.
make_disk() {
    local tree=$1 size=$2 work=$3 stage=$4
    truncate -s "$size" "$work/root.raw"
    mkfs.ext4 -q -F -L labroot -d "$tree" -E root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0 \
        "$work/root.raw" >"$work/mkfs.log" 2>&1 || { cat "$work/mkfs.log" >&2; die "mkfs.ext4 -d failed"; }
    qemu-img convert -q -f raw -O qcow2 -o cluster_size=65536 "$work/root.raw" "$stage/root.qcow2"
    rm -f "$work/root.raw"
    chmod 0644 "$stage/root.qcow2"
}

# The tree kept beside root.qcow2, so a lab's image playbook starts from it without mounting the disk.
# shellcheck disable=SC2034 # used by the scripts that source this file
TREE_TAR=(--xattrs --xattrs-include='*' --acls --numeric-owner)
