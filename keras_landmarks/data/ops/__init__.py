"""Array ops of the input pipelines: warps, sampling, the loss mask, geometry, seeds.

Pure TensorFlow (or numpy) functions of arrays; they read no files and run
eagerly and inside `tf.data.map`.
"""
