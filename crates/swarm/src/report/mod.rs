//! Outputs of a run: console tables, CSV files, JSON and the HTML report.

pub mod console;
pub mod csv;
pub mod final_reports;
pub mod folders;
pub mod html;
pub mod json;
