"""Event channels between boot domains on two physical CPUs (issue 5): a
server and a client domain ping-pong over an interdomain port, each event
seen through its pending bit, none lost and none extra. Domain 0 is
ctlwait, powering off once both have exited."""

import re

import machine  # noqa: F401
from machine import qemu
from test_boot_domains import guest, passed, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 120
ROUNDS = 2000
ROLES = {1: "server", 2: "client"}


def test_ping_pong_between_domains(boot, guests_built):  # noqa: F811
    peer = guest(guests_built, "pingpong")
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2"] +
             [f"{peer} role={ROLES[d]} rounds={ROUNDS}" for d in ROLES],
             mem="512M", smp=2)
    m.expect(r"^\(lamina\) SMP: 2 CPUs online ", TIMEOUT)
    rc = m.wait_exit(TIMEOUT)
    res = per_domain_results(m.log)
    for domid, role in ROLES.items():
        if not passed(m, res, domid, role)["checks"]:
            m.fail(f"domain {domid} ({role}) made no checks")
    assert re.search(rf"^\(d2\) INFO round trip \d+ ns over {ROUNDS} rounds",
                     m.log, re.M), m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()
