#!/bin/sh
echo "bad-input: 0 passed, 0 failed"
