// Original file: proto/admin.proto


export interface MembersRequest {
}

export interface MembersRequest__Output {
}
