/**
 * Every default-domain op type with a shape rule. The registry must cover this
 * list exactly (`satisfies Record<OpType, OpRule>`), so a rule cannot silently be
 * missing or keyed by a misspelled name.
 */
export const UNARY_OPS = [
  'Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Erf', 'Gelu', 'Softmax', 'LogSoftmax',
  'Hardmax', 'Sqrt', 'Exp', 'Log', 'Neg', 'Reciprocal', 'Abs', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos',
  'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Elu', 'Selu', 'Celu', 'Softplus',
  'Softsign', 'Mish', 'ThresholdedRelu', 'Shrink', 'Not', 'IsNaN', 'IsInf', 'BitwiseNot', 'Identity', 'Clip',
  'Dropout', 'Trilu', 'CumSum', 'LpNormalization', 'MeanVarianceNormalization', 'LRN',
] as const;

export const BROADCAST_OPS = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Less', 'LessOrEqual',
  'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'Where',
  'PRelu',
] as const;

export const OTHER_OPS = [
  'Conv', 'ConvTranspose', 'ConvInteger', 'QLinearConv',
  'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'GroupNormalization',
  'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin', 'TopK',
  'MatMul', 'MatMulInteger', 'QLinearMatMul', 'Gemm', 'Einsum',
  'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool',
  'Shape', 'Size', 'Reshape', 'Flatten', 'Transpose', 'Expand', 'Tile', 'Pad', 'DepthToSpace', 'SpaceToDepth',
  'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'ScatterND', 'ScatterElements',
  'Squeeze', 'Unsqueeze',
  'Constant', 'ConstantOfShape', 'Range', 'Cast', 'CastLike', 'EyeLike', 'OneHot', 'NonZero',
  'Resize', 'Upsample', 'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear',
] as const;

export type OpType = (typeof UNARY_OPS)[number] | (typeof BROADCAST_OPS)[number] | (typeof OTHER_OPS)[number];
