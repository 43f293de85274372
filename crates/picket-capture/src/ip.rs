//! Ethernet, Linux cooked, BSD loopback and raw IP frames down to UDP/TCP payloads, with
//! etherparse doing the slicing (VLAN tags, IPv4 options, IPv6 extension headers).

use crate::Payload;
use crate::error::LinkError;
use etherparse::{EtherType, NetSlice, SlicedPacket, TransportSlice};
use std::net::{IpAddr, SocketAddr};

/// Slices a frame that starts with an Ethernet II header.
pub(crate) fn ethernet(data: &[u8]) -> Payload<'_> {
    sliced(SlicedPacket::from_ethernet(data), data)
}

/// Slices a raw IPv4 or IPv6 packet (version from the first nibble).
pub(crate) fn raw_ip(data: &[u8]) -> Payload<'_> {
    sliced(SlicedPacket::from_ip(data), data)
}

/// Linux "cooked" capture v1 (16-byte header, protocol at 14) and v2 (20 bytes, protocol at 0).
pub(crate) fn linux_sll(data: &[u8], version2: bool) -> Payload<'_> {
    let (proto_at, header_len) = if version2 { (0, 20) } else { (14, 16) };
    let Some(proto) = crate::bytes::le_u16(data, proto_at).map(u16::swap_bytes) else {
        return malformed(data, 0, "truncated Linux cooked header");
    };
    match data.get(header_len..) {
        Some(rest) => sliced(SlicedPacket::from_ether_type(EtherType(proto), rest), data),
        None => malformed(data, 0, "truncated Linux cooked header"),
    }
}

/// BSD loopback (link type 0): a 4-byte address family in the writer's byte order.
pub(crate) fn loopback(data: &[u8]) -> Payload<'_> {
    match data.get(4..) {
        Some(rest) => raw_ip(rest),
        None => malformed(data, 0, "truncated loopback header"),
    }
}

fn malformed<'a>(data: &'a [u8], offset: usize, reason: &'static str) -> Payload<'a> {
    Payload::Malformed {
        data,
        error: LinkError::new(offset, reason),
    }
}

fn sliced<'a>(
    result: Result<SlicedPacket<'a>, etherparse::err::packet::SliceError>,
    data: &'a [u8],
) -> Payload<'a> {
    let Ok(packet) = result else {
        return malformed(data, 0, "Ethernet/IP/UDP/TCP headers do not slice");
    };
    let (src_ip, dst_ip): (IpAddr, IpAddr) = match &packet.net {
        Some(NetSlice::Ipv4(v4)) => (
            v4.header().source_addr().into(),
            v4.header().destination_addr().into(),
        ),
        Some(NetSlice::Ipv6(v6)) => (
            v6.header().source_addr().into(),
            v6.header().destination_addr().into(),
        ),
        _ => return Payload::Other { data },
    };
    match packet.transport {
        Some(TransportSlice::Udp(udp)) => Payload::Udp {
            src: SocketAddr::new(src_ip, udp.source_port()),
            dst: SocketAddr::new(dst_ip, udp.destination_port()),
            data: udp.payload(),
        },
        Some(TransportSlice::Tcp(tcp)) => Payload::Tcp {
            src: SocketAddr::new(src_ip, tcp.source_port()),
            dst: SocketAddr::new(dst_ip, tcp.destination_port()),
            seq: tcp.sequence_number(),
            data: tcp.payload(),
        },
        _ => Payload::Other { data },
    }
}
