/// True when a column's name marks it as holding study identifiers (`client`, `id`, `case_no`, `row`): its values
/// are never printed in warnings, even when it passed the identifier guard.
public func isIdentifierLikeColumnName(_ name: String) -> Bool {
    !HeaderClassifier.studyIdentifierWords.isDisjoint(with: HeaderClassifier.tokenize(name))
}
