//! The one integration test binary: the CLI end to end (and, with the live
//! bot, a fake Bot API server).

mod bot;
mod cli;
mod fake_api;
mod report;
mod telegram_html;
