/* registry.c — which kernel runs each builtin operator. */
#include "graph.h"

extern const ei_op_kernel ei_op_add, ei_op_arg_max, ei_op_arg_min, ei_op_average_pool_2d, ei_op_cast,
    ei_op_concatenation, ei_op_conv_2d, ei_op_depthwise_conv_2d, ei_op_dequantize, ei_op_div,
    ei_op_floor_div, ei_op_fully_connected, ei_op_gather_nd, ei_op_logistic, ei_op_max_pool_2d,
    ei_op_mean, ei_op_mul, ei_op_pack, ei_op_quantize, ei_op_reshape, ei_op_resize_bilinear,
    ei_op_softmax, ei_op_sqrt, ei_op_sub, ei_op_unidirectional_sequence_lstm, ei_op_unpack;
extern const ei_op_kernel ei_op_pad, ei_op_padv2, ei_op_relu, ei_op_relu_n1_to_1, ei_op_relu6;

const ei_op_kernel *ei_find_kernel(int32_t code) {
  switch (code) {
    case 0: return &ei_op_add;
    case 1: return &ei_op_average_pool_2d;
    case 2: return &ei_op_concatenation;
    case 3: return &ei_op_conv_2d;
    case 4: return &ei_op_depthwise_conv_2d;
    case 6: return &ei_op_dequantize;
    case 9: return &ei_op_fully_connected;
    case 14: return &ei_op_logistic;
    case 17: return &ei_op_max_pool_2d;
    case 18: return &ei_op_mul;
    case 19: return &ei_op_relu;
    case 20: return &ei_op_relu_n1_to_1;
    case 21: return &ei_op_relu6;
    case 22: return &ei_op_reshape;
    case 23: return &ei_op_resize_bilinear;
    case 25: return &ei_op_softmax;
    case 34: return &ei_op_pad;
    case 40: return &ei_op_mean;
    case 41: return &ei_op_sub;
    case 42: return &ei_op_div;
    case 44: return &ei_op_unidirectional_sequence_lstm;
    case 53: return &ei_op_cast;
    case 56: return &ei_op_arg_max;
    case 60: return &ei_op_padv2;
    case 75: return &ei_op_sqrt;
    case 79: return &ei_op_arg_min;
    case 83: return &ei_op_pack;
    case 88: return &ei_op_unpack;
    case 90: return &ei_op_floor_div;
    case 107: return &ei_op_gather_nd;
    case 114: return &ei_op_quantize;
    default: return NULL;
  }
}
