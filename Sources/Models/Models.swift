import DataTable
import LinearAlgebra
import Distributions
/// Formula parsing, design matrices and model fits (OLS, GLMs) returning immutable result values.
public enum Models {}
