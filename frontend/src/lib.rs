//! The WebAssembly entry point: hydrates the page the server rendered.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;
    console_error_panic_hook::set_once();
    // Asynchronous: some routes are split out of the first download and
    // loaded on demand (`leptos::mount::hydrate_lazy`, plus the mark below).
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async move {
        let owner =
            leptos::mount::hydrate_from_async(document().body().expect("a <body>"), app::App).await;
        owner.forget();
        // Only now is every event handler in place: the page is interactive
        // (end-to-end tests wait for this mark).
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
