/// The consumer's own module called Training.
public enum OwnTraining { public static let name = "the consumer's Training" }
