import Foundation
import Testing
@testable import LinearAlgebra

/// Values checked by hand or against closed forms; tolerances stated per test.
@Suite struct MatrixTests {
    @Test func gemmMatchesHandComputedProduct() {
        let a = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        let b = Matrix(rowMajor: [[7, 8], [9, 10], [11, 12]])
        #expect(a.multiplied(by: b) == Matrix(rowMajor: [[58, 64], [139, 154]]))
        #expect(a.multiplied(by: a, transposeSelf: true) == Matrix(rowMajor: [[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
        #expect(a.multiplied(by: a, transposeOther: true) == Matrix(rowMajor: [[14, 32], [32, 77]]))
    }

    @Test func gemvBothOrientations() {
        let a = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        #expect(a.multiplied(by: [1, 0, -1]) == [-2, -2])
        #expect(a.multiplied(by: [1, 1], transpose: true) == [5, 7, 9])
    }

    @Test func gramIsFullSymmetricCrossProduct() {
        let a = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        #expect(a.gram() == a.multiplied(by: a, transposeSelf: true))
    }

    @Test func transposeAndColumnSelection() {
        let a = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        #expect(a.transposed == Matrix(rowMajor: [[1, 4], [2, 5], [3, 6]]))
        #expect(a.selectingColumns([2, 0]) == Matrix(rowMajor: [[3, 1], [6, 4]]))
        #expect(a.column(1) == [2, 5])
        #expect(a.row(1) == [4, 5, 6])
    }
}

@Suite struct QRTests {
    // Exact fit: y = 1 + 2x, so least squares recovers (1, 2) to rounding (1e-13 absolute).
    @Test func leastSquaresRecoversExactLine() throws {
        let x = Matrix(columns: [[1, 1, 1, 1], [0, 1, 2, 3]])
        for pivoting in [true, false] {
            let qr = try QRDecomposition(x, pivoting: pivoting)
            #expect(qr.rank(tolerance: 1e-10) == 2)
            let beta = try qr.leastSquares([1, 3, 5, 7], rank: 2)
            #expect(abs(beta[0]! - 1) < 1e-13)
            #expect(abs(beta[1]! - 2) < 1e-13)
        }
    }

    // The 3 × 3 example with a known QR: A = [[12,-51,4],[6,167,-68],[-4,24,-41]] has |R| diag (14, 175, 35).
    @Test func knownDecompositionDiagonal() throws {
        let a = Matrix(rowMajor: [[12, -51, 4], [6, 167, -68], [-4, 24, -41]])
        let qr = try QRDecomposition(a, pivoting: false)
        let d = qr.rDiagonal.map(abs)
        #expect(abs(d[0] - 14) < 1e-12 && abs(d[1] - 175) < 1e-12 && abs(d[2] - 35) < 1e-12)
        // Q·R reproduces A.
        let r = qr.r()
        let back = try qr.applyQ(Matrix(rows: 3, columns: 3, columnMajor: r.storage), transpose: false)
        for i in 0..<9 { #expect(abs(back.storage[i] - a.storage[i]) < 1e-12) }
    }

    @Test func rankDeficientDesignIsDetected() throws {
        // Third column = first + second: rank 2.
        let a = Matrix(columns: [[1, 2, 3, 4, 5], [2, 0, 1, 0, 2], [3, 2, 4, 4, 7]])
        let qr = try QRDecomposition(a)
        #expect(qr.rank(tolerance: 1e-10) == 2)
    }

    @Test func unscaledCovarianceEqualsInverseGram() throws {
        let a = Matrix(columns: [[1, 1, 1, 1, 1], [1, 2, 4, 3, 5], [2, 1, 0, 1, 3]])
        let qr = try QRDecomposition(a, pivoting: false)
        let cov = try qr.unscaledCovariance(size: 3)
        let inv = try Cholesky(a.gram()).inverse()
        for i in 0..<9 { #expect(abs(cov.storage[i] - inv.storage[i]) < 1e-12) }
    }

    @Test func singularTriangularSolveThrows() throws {
        let a = Matrix(columns: [[1, 2, 3], [0, 0, 0]])
        let qr = try QRDecomposition(a, pivoting: false)
        #expect(throws: LinearAlgebraError.self) { try qr.solveUpper([1, 1], size: 2) }
    }

    @Test func nonFiniteInputThrows() {
        let a = Matrix(columns: [[1, .nan], [0, 1]])
        #expect(throws: LinearAlgebraError.nonFinite("QR input")) { try QRDecomposition(a) }
    }
}

@Suite struct CholeskyTests {
    // A = [[4,12,-16],[12,37,-43],[-16,-43,98]] = LLᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]] (classic example).
    @Test func knownFactor() throws {
        let a = Matrix(rowMajor: [[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
        let c = try Cholesky(a)
        let expected = Matrix(rowMajor: [[2, 6, -8], [0, 1, 5], [0, 0, 3]])
        for i in 0..<9 { #expect(abs(c.factor.storage[i] - expected.storage[i]) < 1e-13) }
        #expect(abs(c.logDeterminant - log(36.0)) < 1e-13)
        let x = try c.solve([1, 2, 3])
        let back = a.multiplied(by: x)
        for i in 0..<3 { #expect(abs(back[i] - [1.0, 2, 3][i]) < 1e-10) }
        let product = a.multiplied(by: try c.inverse())
        for i in 0..<3 { for j in 0..<3 { #expect(abs(product[i, j] - (i == j ? 1 : 0)) < 1e-10) } }
    }

    @Test func notPositiveDefiniteThrows() {
        let a = Matrix(rowMajor: [[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) { try Cholesky(a) }
    }

    @Test func nonSquareThrows() {
        #expect(throws: LinearAlgebraError.self) { try Cholesky(Matrix(rows: 2, columns: 3)) }
    }
}

@Suite struct EigenAndSVDTests {
    // [[2,1],[1,2]] has eigenvalues 1 and 3 with vectors (1,-1)/√2 and (1,1)/√2.
    @Test func symmetricEigenKnownValues() throws {
        let e = try SymmetricEigen(Matrix(rowMajor: [[2, 1], [1, 2]]))
        #expect(abs(e.values[0] - 1) < 1e-14 && abs(e.values[1] - 3) < 1e-14)
        let v = e.vectors.column(1)
        #expect(abs(abs(v[0]) - 1 / 2.0.squareRoot()) < 1e-14 && abs(v[0] - v[1]) < 1e-14)
    }

    // [[3,0],[4,5]] has singular values √45 and √5 (σ² are eigenvalues of AᵀA = [[25,20],[20,25]]).
    @Test func svdKnownValues() throws {
        let s = try SingularValueDecomposition(Matrix(rowMajor: [[3, 0], [4, 5]]))
        #expect(abs(s.singularValues[0] - 45.0.squareRoot()) < 1e-13)
        #expect(abs(s.singularValues[1] - 5.0.squareRoot()) < 1e-13)
        #expect(abs(s.conditionNumber - 3) < 1e-13)
        let singular = try SingularValueDecomposition(Matrix(rowMajor: [[1, 2], [2, 4]]))
        #expect(singular.singularValues[1] < 1e-15 * singular.singularValues[0] * 10)
    }
}

@Suite struct BLASConfigurationTests {
    @Test func describesOpenBLAS() {
        #expect(BLASConfiguration.description.contains("OpenBLAS"))
        #expect(BLASConfiguration.threadCount >= 1)
        #expect(!BLASConfiguration.coreName.isEmpty)
    }

    /// The tool sets BLAS single-threaded itself, whatever the environment says (issue 11: OpenBLAS threads
    /// fighting the fit's own row halves doubled a logit's time). Only this suite touches the setting.
    @Test func threadPolicyMakesBLASSingleThreaded() {
        BLASConfiguration.applyThreadPolicy()
        #expect(BLASConfiguration.threadCount == BLASConfiguration.policyThreadCount)
        #expect(BLASConfiguration.policyThreadCount == 1)
    }
}
