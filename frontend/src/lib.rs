//! The WebAssembly entry point: hydrates the page the server rendered.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: some routes are split out of the first download and loaded on demand.
    leptos::mount::hydrate_lazy(app::App);
}
