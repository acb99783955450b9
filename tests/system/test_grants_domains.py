"""Grant tables between boot domains (issue 5): a granter and a mapper
exchanging data through a host mapping and through copies, a revoked
grant, a grant not meant for the mapper, a domain that exits with a
mapping in place (the holder: its exit releases it) and a granter that
exits while its page is mapped (the mapper keeps a valid frame). The
peers find each other's refs by the convention in tests/guests/
grantpeer.c."""

import machine  # noqa: F401
from machine import qemu
from test_boot_domains import guest, passed, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 120
ROLES = {1: "granter", 2: "mapper", 3: "holder"}


def test_grants_between_domains(boot, guests_built):  # noqa: F811
    peer = guest(guests_built, "grantpeer")
    m = boot(append="debug_exit=0xf4 dom0_mem=32M "
                    "boot_domains=1:32M,2:32M,3:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=3"] +
             [f"{peer} role={ROLES[d]}" for d in (1, 2, 3)], mem="512M",
             smp=1)  # ctlwait's ordering: see test_boot_domains.CTLWAIT_SMP
    rc = m.wait_exit(TIMEOUT)
    res = per_domain_results(m.log)
    for domid in ROLES:
        passed(m, res, domid, ROLES[domid])
    must = {1: ["peer_wrote_through_map", "end_refused_while_mapped",
                "peer_copied_in", "end_after_peer_unmap",
                "holder_exit_released", "keep_still_mapped"],
            2: ["map_peer", "copy_from_peer_data", "copy_to_peer",
                "map_revoked", "map_not_for_us", "copy_past_page",
                "map_ref_beyond_table", "map_hyp_va", "map_huge_count",
                "map_outlives_granter", "unmap_after_granter_exit"],
            3: ["map_hold"]}
    for domid, names in must.items():
        for name in names:
            assert res[domid]["checks"].get(name) == "ok", (domid, name)
    # Every domain ended as it wished; the hypervisor stayed up.
    assert res[0]["checks"].get("domains_exited") == "ok", m.tail()
    for domid in ROLES:
        assert f"Domain {domid} (boot) shut down: poweroff" in m.log
    assert rc == qemu.EXIT_POWEROFF, m.tail()
