fn main() {
	// The wasm runtime reports a panic's message to the node (e.g. "Bad input data provided to
	// validate_transaction: Codec error" for an undecodable transaction) instead of a bare
	// wasm trap. Only the wasm build enables it: the native build is unchanged.
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_feature("improved-panic-error-reporting")
		.build();
}
