"""Economy: sector structure, concentration, specialisation, shift-share, complexity and relatedness."""
