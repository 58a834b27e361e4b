// Original file: proto/admin.proto


export interface StepDownRequest {
}

export interface StepDownRequest__Output {
}
