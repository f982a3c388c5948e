fn main() {
    let src = std::fs::read_to_string("tests/cases/index-with-veto-and-provisional-quarter/book.yaml").unwrap();
    let book = merit::Rulebook::from_yaml(&src, "b").unwrap();
    println!("{} indexes {:?}", book.indexes.len(), book.indexes.iter().map(|i| (&i.id, i.per, i.dimensions.len())).collect::<Vec<_>>());
}
