/// The embedded `"demo"` dataset: binary sentiment (`negative` / `positive`), 150 sentences
/// each, written for bert-kernel (not taken from any dataset). Product reviews, films,
/// restaurants, travel, books and services; about a fifth of each class uses negation or
/// contrast ("not bad", "but", "despite") and many positive sentences have a negative twin
/// with the same frame, so that keyword counting alone does not separate the classes.
///
/// Rows alternate positive, negative, so any `limit:` keeps the classes balanced.
enum DemoSentiment {
    /// (text, label) in file order.
    static let examples: [(text: String, label: String)] = {
        precondition(positive.count == negative.count)
        return zip(positive, negative).flatMap { [($0, "positive"), ($1, "negative")] }
    }()
}
