"""The address phones use to reach this machine on the office LAN."""

from __future__ import annotations

import ipaddress

import ifaddr

# Interfaces made by container and VM tools: phones can't reach those.
_VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lo")


def _candidates() -> list[tuple[int, str]]:
    found = []
    for adapter in ifaddr.get_adapters():
        virtual = adapter.nice_name.startswith(_VIRTUAL_PREFIXES)
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):
                continue  # IPv6 comes as a tuple; phones on a LAN use IPv4 here
            address = ipaddress.ip_address(ip.ip)
            if address.is_loopback or address.is_link_local:
                continue
            # Best first: a private address on a real interface.
            score = (0 if address.is_private else 1) + (2 if virtual else 0)
            found.append((score, ip.ip))
    return sorted(found)


def lan_address() -> str:
    """This machine's LAN IPv4 address, read from its interfaces."""
    candidates = _candidates()
    return candidates[0][1] if candidates else "127.0.0.1"


def base_url(public_url: str | None, port: int | None, scheme: str = "http") -> str:
    """The operator's ``TRAINER_PUBLIC_URL`` wins; otherwise the LAN address."""
    if public_url:
        return public_url.rstrip("/")
    default = {"http": 80, "https": 443}.get(scheme)
    suffix = "" if port in (None, default) else f":{port}"
    return f"{scheme}://{lan_address()}{suffix}"
