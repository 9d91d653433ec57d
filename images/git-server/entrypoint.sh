#!/bin/sh
# Entrypoint of lab/git-server: a host key of its own for every container (made at first start,
# never in the image), sshd's privilege-separation directory, then sshd in the foreground with
# its log on stderr (`docker logs`). Extra arguments after `sshd` go to sshd.
set -eu

case "${1:-sshd}" in
    sshd|-*) ;;
    *) exec "$@" ;;
esac
[ "${1:-}" = sshd ] && shift

key=/etc/ssh/ssh_host_ed25519_key
if [ ! -s "$key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "git-server host key" -f "$key"
fi
install -d -m 0755 /run/sshd

exec /usr/sbin/sshd -D -e "$@"
