//! Text the chain and its tools read and write: SS58 addresses, base64url, hex, RFC 3339 times,
//! and quoting hostile input in error messages. no_std: the runtime builds DID documents and
//! checks credentials with them; the node, the bridge and the tools use the same functions.

use alloc::{format, string::String, vec::Vec};

/// SS58 encoding of a 32-byte account with `prefix`.
pub fn ss58_encode(prefix: u16, account: &[u8; 32]) -> String {
	let mut data = Vec::with_capacity(36);
	if prefix < 64 {
		data.push(prefix as u8);
	} else {
		let ident = prefix & 0x3fff;
		data.push((((ident & 0x00fc) >> 2) as u8) | 0x40);
		data.push(((ident >> 8) as u8) | (((ident & 0x0003) as u8) << 6));
	}
	data.extend_from_slice(account);
	let mut pre = Vec::with_capacity(7 + data.len());
	pre.extend_from_slice(b"SS58PRE");
	pre.extend_from_slice(&data);
	let checksum = sp_crypto_hashing::blake2_512(&pre);
	data.extend_from_slice(&checksum[..2]);
	bs58::encode(data).into_string()
}

/// The longest SS58 address: a two-byte prefix, 32 bytes and a two-byte checksum, in base58.
pub const MAX_SS58_LEN: usize = 50;

/// `s` quoted for an error message, cut after its first 64 characters: an error must not echo
/// megabytes of hostile input back.
pub fn quote(s: &str) -> String {
	const MAX: usize = 64;
	match s.char_indices().nth(MAX) {
		None => format!("{s:?}"),
		Some((cut, _)) => format!("{:?}… ({} bytes)", &s[..cut], s.len()),
	}
}

/// The 32-byte account behind an SS58 address, if it is well formed and carries `prefix`.
pub fn ss58_decode(prefix: u16, address: &str) -> Option<[u8; 32]> {
	// Base58 decoding takes time quadratic in the length: refuse what cannot be an address
	// before decoding (a megabyte-long DID would otherwise take minutes).
	if address.len() > MAX_SS58_LEN {
		return None;
	}
	let data = bs58::decode(address).into_vec().ok()?;
	let prefix_len = if prefix < 64 { 1 } else { 2 };
	if data.len() != prefix_len + 32 + 2 {
		return None;
	}
	let account: [u8; 32] = data[prefix_len..prefix_len + 32].try_into().ok()?;
	// Re-encoding checks the prefix and the checksum at once.
	(ss58_encode(prefix, &account) == address).then_some(account)
}

/// Unpadded base64url (RFC 4648 §5), as JWKs use.
pub fn base64url(bytes: &[u8]) -> String {
	const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
	for chunk in bytes.chunks(3) {
		let n = (chunk[0] as u32) << 16
			| (*chunk.get(1).unwrap_or(&0) as u32) << 8
			| *chunk.get(2).unwrap_or(&0) as u32;
		for i in 0..=chunk.len() {
			out.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
		}
	}
	out
}

/// An XML Schema dateTime in UTC without fractions, e.g. `2026-11-26T08:15:00Z`, from ms since
/// the Unix epoch.
pub fn utc_datetime(ms: u64) -> String {
	let secs = ms / 1000;
	let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
	// Civil date from days since 1970-01-01 (proleptic Gregorian; eras of 400 years).
	let z = days + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z.rem_euclid(146_097);
	let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = doy - (153 * mp + 2) / 5 + 1;
	let month = if mp < 10 { mp + 3 } else { mp - 9 };
	let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
	format!(
		"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
		year,
		month,
		day,
		rem / 3_600,
		(rem % 3_600) / 60,
		rem % 60
	)
}

/// Parses an RFC 3339 date-time (`2026-11-26T10:00:00Z`, `2026-11-26T11:00:00.250+01:00`) into
/// ms since the Unix epoch; the inverse of [`utc_datetime`] and more.
pub fn parse_datetime(s: &str) -> Result<u64, String> {
	let bad = || format!("{} is not an RFC 3339 date-time (e.g. 2026-11-26T10:00:00Z)", quote(s));
	let b = s.as_bytes();
	if !s.is_ascii()
		|| b.len() < 20
		|| b[4] != b'-'
		|| b[7] != b'-'
		|| !matches!(b[10], b'T' | b't' | b' ')
	{
		return Err(bad());
	}
	if b[13] != b':' || b[16] != b':' {
		return Err(bad());
	}
	let num = |r: core::ops::Range<usize>| -> Result<i64, String> {
		s.get(r)
			.filter(|d| d.bytes().all(|c| c.is_ascii_digit()))
			.ok_or_else(bad)?
			.parse()
			.map_err(|_| bad())
	};
	let (y, mo, d, h, mi, sec) =
		(num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
	let mut rest = &s[19..];
	let mut ms = 0i64;
	if let Some(frac) = rest.strip_prefix('.') {
		let digits = frac.bytes().take_while(|c| c.is_ascii_digit()).count();
		if digits == 0 {
			return Err(bad());
		}
		let padded = format!("{:0<3}", &frac[..digits.min(3)]);
		ms = padded.parse().map_err(|_| bad())?;
		rest = &frac[digits..];
	}
	let offset_min = match rest {
		"Z" | "z" => 0,
		o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
			let oh: i64 = o[1..3].parse().map_err(|_| bad())?;
			let om: i64 = o[4..6].parse().map_err(|_| bad())?;
			let sign = if o.starts_with('-') { -1 } else { 1 };
			sign * (oh * 60 + om)
		},
		_ => return Err(bad()),
	};
	if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
		return Err(bad());
	}
	// Days since 1970-01-01 from the civil date (proleptic Gregorian).
	let (y2, m2) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
	let era = y2.div_euclid(400);
	let yoe = y2 - era * 400;
	let doy = (153 * m2 + 2) / 5 + d - 1;
	let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	let days = era * 146_097 + doe - 719_468;
	let total = ((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms;
	u64::try_from(total).map_err(|_| format!("{} is before 1970", quote(s)))
}

/// Lower-case hex without `0x`.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex, with or without `0x`.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
	let s = s.strip_prefix("0x").unwrap_or(s);
	// Only hex digits: `from_str_radix` would also take a sign, and non-ASCII input would put a
	// two-byte slice across a character boundary.
	if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
		return None;
	}
	(0..s.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
		.collect()
}

/// Decodes unpadded base64url; `None` on any other character.
pub fn unbase64url(s: &str) -> Option<Vec<u8>> {
	let mut bits = 0u32;
	let mut n = 0;
	let mut out = Vec::with_capacity(s.len() * 3 / 4);
	for c in s.bytes() {
		let v = match c {
			b'A'..=b'Z' => c - b'A',
			b'a'..=b'z' => c - b'a' + 26,
			b'0'..=b'9' => c - b'0' + 52,
			b'-' => 62,
			b'_' => 63,
			_ => return None,
		} as u32;
		bits = (bits << 6) | v;
		n += 6;
		if n >= 8 {
			n -= 8;
			out.push((bits >> n) as u8);
			bits &= (1 << n) - 1;
		}
	}
	(s.len() % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::crypto::Ss58Codec;
	use sp_keyring::Sr25519Keyring;

	/// 2026-11-26T00:00:00Z.
	const T0: u64 = 1_795_651_200_000;

	#[test]
	fn hostile_lengths_are_refused_before_decoding_and_not_echoed() {
		// The longest address of the longest prefix fits MAX_SS58_LEN; one more character is
		// refused before base58 decoding (whose time is quadratic in the length).
		let account: [u8; 32] = Sr25519Keyring::Alice.to_account_id().into();
		let longest = ss58_encode(16_383, &account);
		assert!(longest.len() <= MAX_SS58_LEN, "{longest}");
		assert_eq!(ss58_decode(16_383, &longest), Some(account));
		let huge = "z".repeat(1 << 20);
		assert_eq!(ss58_decode(42, &huge), None);
		assert_eq!(ss58_decode(42, &huge[..MAX_SS58_LEN + 1]), None);
		// Errors quote at most 64 characters of what they refuse.
		let err = parse_datetime(&huge).unwrap_err();
		assert!(err.len() < 200, "{} bytes", err.len());
		assert!(err.contains("(1048576 bytes)"), "{err}");
		assert_eq!(quote("short"), "\"short\"");
	}

	#[test]
	fn encodings_match_reference_implementations() {
		// SS58 against sp-core, for the generic prefix and a two-byte one.
		for key in [Sr25519Keyring::Alice, Sr25519Keyring::Dave] {
			let account: [u8; 32] = key.to_account_id().into();
			for prefix in [42u16, 2, 1000] {
				let reference = key.to_account_id().to_ss58check_with_version(prefix.into());
				assert_eq!(ss58_encode(prefix, &account), reference);
				assert_eq!(ss58_decode(prefix, &reference), Some(account));
			}
		}
		// Base64url (RFC 4648 test vectors, unpadded).
		for (input, out) in [
			("", ""),
			("f", "Zg"),
			("fo", "Zm8"),
			("foo", "Zm9v"),
			("foob", "Zm9vYg"),
			("fooba", "Zm9vYmE"),
		] {
			assert_eq!(base64url(input.as_bytes()), out);
		}
		assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
		// UTC timestamps.
		assert_eq!(utc_datetime(0), "1970-01-01T00:00:00Z");
		assert_eq!(utc_datetime(951_782_400_999), "2000-02-29T00:00:00Z");
		assert_eq!(utc_datetime(T0 + 3_723_456), "2026-11-26T01:02:03Z");
		assert_eq!(utc_datetime(4_107_542_399_000), "2100-02-28T23:59:59Z");
	}

	#[test]
	fn rfc3339_date_times_parse_to_epoch_ms() {
		assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Ok(0));
		assert_eq!(parse_datetime("2026-11-26T00:00:00Z"), Ok(T0));
		assert_eq!(parse_datetime("2026-11-26T01:00:00.250+01:00"), Ok(T0 + 250));
		assert_eq!(parse_datetime("2024-02-29T12:30:15.5Z"), Ok(1_709_209_815_500));
		for bad in [
			"2026-11-26",
			"2026-13-01T00:00:00Z",
			"2026-11-26T00:00:00",
			"x026-11-26T00:00:00Z",
			"2026-11-26T00:00:00.Z",
			"1969-12-31T23:59:59Z",
			"2026-11-26T00:00:00+é:0",
		] {
			assert!(parse_datetime(bad).is_err(), "{bad}");
		}
		// The inverse of the formatter.
		let ms = T0 + 3_723_000;
		assert_eq!(parse_datetime(&utc_datetime(ms)), Ok(ms));
	}

	#[test]
	fn hex_round_trips_and_refuses_what_is_not_hex() {
		assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
		assert_eq!(unhex("0x00abff"), Some(vec![0x00, 0xab, 0xff]));
		assert_eq!(unhex("00ABff"), Some(vec![0x00, 0xab, 0xff]));
		for bad in ["0", "0x0g", "zz", "aé", "aéa", "éé", "+f+f", "-1", " 1"] {
			assert_eq!(unhex(bad), None, "{bad}");
		}
	}

	#[test]
	fn base64url_round_trips_and_refuses_other_alphabets() {
		for input in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", &[0xfb, 0xff]] {
			assert_eq!(unbase64url(&base64url(input)).as_deref(), Some(input));
		}
		for bad in ["Zm9v+", "Zm9v/", "Zm9v=", "Z", "Zm9vY"] {
			assert_eq!(unbase64url(bad), None, "{bad}");
		}
	}
}
