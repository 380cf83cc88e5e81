//! The credential schemas every Twinchain network registers at genesis. Their ids are the
//! BLAKE2b-256 hashes of these exact texts; a VC names its schema by that id
//! (`credentialSchema.id`).

/// A machine's capability: what it can do, with parameters (`mill`, `kiln` with
/// `maxTemperatureC`, `sort` with `colors`, …).
pub const MACHINE_CAPABILITY: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"MachineCapability","type":"object","properties":{"id":{"type":"string"},"capability":{"type":"string","pattern":"^[A-Za-z0-9_-]{1,32}$"},"parameters":{"type":"object"}},"required":["id","capability"]}"#;

/// A product's quality certificate: which standard, the result, which product.
pub const QUALITY_CERTIFICATE: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"QualityCertificate","type":"object","properties":{"id":{"type":"string"},"standard":{"type":"string"},"result":{"type":"string","enum":["pass","fail"]},"product":{"type":"string"},"measurements":{"type":"object"}},"required":["id","standard","result","product"]}"#;

/// The genesis schemas: name and text.
pub fn genesis_schemas() -> alloc::vec::Vec<(alloc::vec::Vec<u8>, alloc::vec::Vec<u8>)> {
	alloc::vec![
		(b"MachineCapability".to_vec(), MACHINE_CAPABILITY.as_bytes().to_vec()),
		(b"QualityCertificate".to_vec(), QUALITY_CERTIFICATE.as_bytes().to_vec()),
	]
}
