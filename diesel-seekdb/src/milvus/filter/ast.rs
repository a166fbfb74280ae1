//! The syntax tree of a Milvus filter, as parsed and before any schema check.
//!
//! Every node carries the 0-based character offset where it starts, so that the
//! checker can point at the exact spot a schema or type error comes from.

/// One node of a parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// 0-based character offset of the node's first character in the filter.
    pub offset: usize,
}

/// The shapes a filter node can take.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExprKind {
    /// An integer literal (after constant folding).
    Int(i64),
    /// A floating-point literal (after constant folding).
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A string literal, escapes already decoded.
    Str(String),
    /// A bare identifier: a field name.
    Field(String),
    /// A field followed by subscripts: `meta["a"][0]` or `tags[2]`.
    Path {
        /// The field the subscripts apply to.
        field: String,
        /// The subscripts, in order.
        steps: Vec<Subscript>,
    },
    /// A list literal `[a, b, …]`.
    List(Vec<Expr>),
    /// A template placeholder `{name}`, filled from the filter parameters.
    Template(String),
    /// A prefix operator applied to an operand that is not a literal.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        expr: Box<Expr>,
    },
    /// A binary arithmetic or comparison operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Offset of the operator token.
        op_offset: usize,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `a and b and …` (flattened, so long chains do not nest).
    And(Vec<Expr>),
    /// `a or b or …` (flattened, so long chains do not nest).
    Or(Vec<Expr>),
    /// A range chain `low op1 mid op2 high`, both operators pointing the same way.
    Range {
        /// Leftmost operand.
        low: Box<Expr>,
        /// First operator (`<`, `<=`, `>` or `>=`).
        low_op: BinaryOp,
        /// The middle operand (the field).
        mid: Box<Expr>,
        /// Second operator, same direction as the first.
        high_op: BinaryOp,
        /// Rightmost operand.
        high: Box<Expr>,
    },
    /// `expr in list` or `expr not in list`.
    In {
        /// The field or path tested.
        expr: Box<Expr>,
        /// The list (a list literal or a template).
        list: Box<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `expr like "pattern"`.
    Like {
        /// The field or path tested.
        expr: Box<Expr>,
        /// The pattern (a string literal or a template).
        pattern: Box<Expr>,
    },
    /// `expr is null` / `expr is not null`.
    IsNull {
        /// The field or path tested.
        expr: Box<Expr>,
        /// `is not null`.
        negated: bool,
    },
    /// `exists path`.
    Exists(Box<Expr>),
    /// A call of one of the built-in functions.
    Call {
        /// Which function.
        func: Func,
        /// Its arguments.
        args: Vec<Expr>,
    },
}

/// One subscript of a path.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscript {
    /// The key or index.
    pub key: Key,
    /// Offset of the subscript's `[`.
    pub offset: usize,
}

/// A path subscript's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// `["name"]`: a JSON object member.
    Member(String),
    /// `[3]`: an array index (0-based, as written).
    Index(i64),
}

/// Prefix operators that survive folding (their operand is not a literal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not` / `!`.
    Not,
    /// `-`.
    Neg,
    /// `+`.
    Plus,
}

/// Binary operators other than `and` / `or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `**`.
    Pow,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
}

impl BinaryOp {
    /// The operator as written in a filter.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Pow => "**",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
        }
    }

    /// Whether this is `< <= > >= == !=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne
        )
    }
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `array_contains(f, v)`.
    ArrayContains,
    /// `array_contains_all(f, [..])`.
    ArrayContainsAll,
    /// `array_contains_any(f, [..])`.
    ArrayContainsAny,
    /// `array_length(f)`.
    ArrayLength,
    /// `json_contains(p, v)`.
    JsonContains,
    /// `json_contains_all(p, [..])`.
    JsonContainsAll,
    /// `json_contains_any(p, [..])`.
    JsonContainsAny,
}

impl Func {
    /// Every function, for lookups and messages.
    pub const ALL: [Func; 7] = [
        Func::ArrayContains,
        Func::ArrayContainsAll,
        Func::ArrayContainsAny,
        Func::ArrayLength,
        Func::JsonContains,
        Func::JsonContainsAll,
        Func::JsonContainsAny,
    ];

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Func::ArrayContains => "array_contains",
            Func::ArrayContainsAll => "array_contains_all",
            Func::ArrayContainsAny => "array_contains_any",
            Func::ArrayLength => "array_length",
            Func::JsonContains => "json_contains",
            Func::JsonContainsAll => "json_contains_all",
            Func::JsonContainsAny => "json_contains_any",
        }
    }

    /// How many arguments the function takes.
    pub fn arity(self) -> usize {
        match self {
            Func::ArrayLength => 1,
            _ => 2,
        }
    }

    /// Looks a name up; like Milvus, only all-lower or all-upper spellings match.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL
            .into_iter()
            .find(|f| name == f.name() || name == f.name().to_ascii_uppercase())
    }
}
