/// An unevaluated sum high + low of two doubles (about 106 bits), for the few places where a continued
/// fraction cancels catastrophically in double precision. Error-free transformations after Dekker/Knuth.
struct DoubleDouble {
    var high: Double
    var low: Double

    init(_ value: Double) {
        high = value
        low = 0
    }

    init(high: Double, low: Double) {
        self.high = high
        self.low = low
    }

    var value: Double { high + low }

    /// 1 − x exactly.
    static func oneMinus(_ x: Double) -> DoubleDouble {
        twoSum(1, -x)
    }

    static func twoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let sum = a + b
        let bVirtual = sum - a
        let error = (a - (sum - bVirtual)) + (b - bVirtual)
        return DoubleDouble(high: sum, low: error)
    }

    static func quickTwoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let sum = a + b
        return DoubleDouble(high: sum, low: b - (sum - a))
    }

    static func + (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let sum = twoSum(x.high, y.high)
        return quickTwoSum(sum.high, sum.low + x.low + y.low)
    }

    static func + (x: DoubleDouble, y: Double) -> DoubleDouble {
        let sum = twoSum(x.high, y)
        return quickTwoSum(sum.high, sum.low + x.low)
    }

    static prefix func - (x: DoubleDouble) -> DoubleDouble {
        DoubleDouble(high: -x.high, low: -x.low)
    }

    static func - (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        x + (-y)
    }

    static func * (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let product = x.high * y.high
        let error = (-product).addingProduct(x.high, y.high)
        return quickTwoSum(product, error + (x.high * y.low + x.low * y.high))
    }

    static func * (x: DoubleDouble, y: Double) -> DoubleDouble {
        let product = x.high * y
        let error = (-product).addingProduct(x.high, y)
        return quickTwoSum(product, error + x.low * y)
    }

    static func / (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let first = x.high / y.high
        let remainder = x - y * first
        let second = remainder.high / y.high
        let remainder2 = remainder - y * second
        let third = remainder2.high / y.high
        return quickTwoSum(first, second) + third
    }
}
